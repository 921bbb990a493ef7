export const hello = (n: string): string => `hello ${n}`;
