import { jsonResponse, problemResponse, type StubbedCall } from './fetch-stub';

type Handler = (call: StubbedCall, params: Record<string, string>) => Response | Promise<Response>;
/** A route answers with a handler, or with a JSON body as it is. */
type Answer = Handler | object | string | number | boolean | null;

/**
 * A responder for stubFetch from a table of `METHOD /path/:param` routes. An unknown route answers 404 problem
 * details, as the server would, so a test never hangs on a request it did not expect.
 */
export function fakeApi(routes: Record<string, Answer>) {
  const table = Object.entries(routes).map(([key, handler]) => {
    const [method, path] = key.split(' ');
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    return { method, pattern, names, handler };
  });
  return (call: StubbedCall): Response | Promise<Response> => {
    for (const route of table) {
      if (route.method !== call.method) continue;
      const match = route.pattern.exec(call.url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
      return typeof route.handler === 'function'
        ? (route.handler as Handler)(call, params)
        : jsonResponse(route.handler);
    }
    return problemResponse(404, 'Not Found', `No fake route for ${call.method} ${call.url.pathname}`);
  };
}

/** A request that never answers: the page stays in its loading state. */
export const never = () => new Promise<Response>(() => {});
