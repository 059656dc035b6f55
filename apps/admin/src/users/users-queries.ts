import type { CreateEndUserRequest, UpdateEndUserRequest } from '@ccri/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth/session-context';
import { grantKeys } from '../grants/grants-queries';
import { createUser, deleteUser, getUser, listUsers, signOutUser, updateUser, type UserListQuery } from './users-api';

export const userKeys = {
  all: ['users'] as const,
  list: (query: UserListQuery) => ['users', 'list', query] as const,
  detail: (id: string) => ['users', 'detail', id] as const,
};

export function useUserList(query: UserListQuery) {
  const api = useApi();
  return useQuery({
    queryKey: userKeys.list(query),
    queryFn: ({ signal }) => listUsers(api, query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  const api = useApi();
  return useQuery({ queryKey: userKeys.detail(id), queryFn: ({ signal }) => getUser(api, id, signal) });
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: userKeys.all });
}

export function useCreateUser() {
  const api = useApi();
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (request: CreateEndUserRequest) => createUser(api, request),
    onSuccess: invalidate,
  });
}

export function useUpdateUser() {
  const api = useApi();
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: UpdateEndUserRequest }) => updateUser(api, id, change),
    onSettled: invalidate,
  });
}

export function useDeleteUser() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteUser(api, id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: userKeys.all });
      void queryClient.invalidateQueries({ queryKey: grantKeys.all });
    },
  });
}

export function useSignOutUser() {
  const api = useApi();
  return useMutation({ mutationFn: (id: string) => signOutUser(api, id) });
}
