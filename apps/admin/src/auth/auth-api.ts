import type { LoginRequest, LoginResponse } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

export function login(api: ApiClient, request: LoginRequest): Promise<LoginResponse> {
  return api.post<LoginResponse>('/api/auth/login', request);
}

/** Ends the session on the server: its token is revoked. */
export function logout(api: ApiClient): Promise<void> {
  return api.post<void>('/api/auth/logout');
}
