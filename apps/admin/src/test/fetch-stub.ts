import { vi } from 'vitest';

export interface StubbedCall {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

type Responder = (call: StubbedCall) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function problemResponse(
  status: number,
  title: string,
  detail?: string,
  errors?: { field: string; message: string }[],
): Response {
  return jsonResponse({ type: 'about:blank', title, status, detail, errors }, status, 'application/problem+json');
}

/**
 * Replaces global fetch with a responder and records every call. The server is outside the component,
 * so this is where its answers are decided.
 */
export function stubFetch(responder: Responder) {
  const calls: StubbedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: StubbedCall = {
      method: init?.method ?? 'GET',
      url: new URL(String(input), 'http://localhost'),
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return responder(call);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
