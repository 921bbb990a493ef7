/**
 * Imports an ES-module web resource through the platform's cached web resource URL. A dynamic
 * `import()` needs no DOM access and is allowed by a `script-src 'self'` policy.
 */
export function importWebResource<T>(webResourceName: string): Promise<T> {
  const context = Xrm.Utility.getGlobalContext();
  const url = new URL(context.getWebResourceUrl(webResourceName), context.getClientUrl()).href;
  return import(/* webpackIgnore: true */ url) as Promise<T>;
}
