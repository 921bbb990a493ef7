/** `Xrm.Collection.ItemCollection`: the collections the client API hands out (attributes, controls, tabs…). */
export class ItemCollection<T extends { getName(): string }> {
  constructor(private readonly items: T[] = []) {}

  get(): T[];
  get(item: number | string): T | null;
  get(predicate: (item: T, index: number) => boolean): T[];
  get(selector?: number | string | ((item: T, index: number) => boolean)): T | T[] | null {
    if (selector === undefined) return [...this.items];
    if (typeof selector === "number") return this.items[selector] ?? null;
    if (typeof selector === "string") return this.items.find((item) => item.getName() === selector) ?? null;
    return this.items.filter(selector);
  }

  forEach(callback: (item: T, index: number) => void): void {
    this.items.forEach(callback);
  }

  getLength(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }
}
