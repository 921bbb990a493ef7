export * from "./crm/schema";
