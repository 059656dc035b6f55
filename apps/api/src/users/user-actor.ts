import type { EndUserEntity } from './end-user.entity';

/** How a person shows up in the audit trail: their username (`user:{id}` if it is ever empty). */
export function actorOf(user: Pick<EndUserEntity, 'username' | 'id'>): string {
  return user.username || `user:${user.id}`;
}
