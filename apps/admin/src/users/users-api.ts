import type { CreateEndUserRequest, EndUser, EndUserRole, Page, UpdateEndUserRequest } from '@ccri/contracts';
import type { ApiClient } from '../api/api-client';

/** `GET /api/users` parameters; `page` counts from 1. */
export interface UserListQuery {
  search?: string;
  role?: EndUserRole;
  page: number;
  limit: number;
}

const userPath = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export function listUsers(api: ApiClient, query: UserListQuery, signal?: AbortSignal): Promise<Page<EndUser>> {
  return api.get<Page<EndUser>>('/api/users', { query: { ...query }, signal });
}

export function getUser(api: ApiClient, id: string, signal?: AbortSignal): Promise<EndUser> {
  return api.get<EndUser>(userPath(id), { signal });
}

export function createUser(api: ApiClient, request: CreateEndUserRequest): Promise<EndUser> {
  return api.post<EndUser>('/api/users', request);
}

/** A `password` resets it (and ends the person's sessions); `enabled: false` disables the account. */
export function updateUser(api: ApiClient, id: string, change: UpdateEndUserRequest): Promise<EndUser> {
  return api.patch<EndUser>(userPath(id), change);
}

export function deleteUser(api: ApiClient, id: string): Promise<void> {
  return api.delete(userPath(id));
}

/** Ends every sign-in session of the person ("sign out everywhere"). */
export function signOutUser(api: ApiClient, id: string): Promise<void> {
  return api.post(`${userPath(id)}/sign-out`);
}
