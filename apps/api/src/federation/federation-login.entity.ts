import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One federated sign-in in progress (server-side record): what the callback must check. Found by the SHA-256 of
 * its `state`, bound to the browser by the SHA-256 of a random cookie, short-lived and usable once.
 */
@Entity('federation_logins')
export class FederationLoginEntity {
  /** SHA-256 (base64url) of the `state` sent to the provider. */
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 43 })
  stateHash!: string;

  /** SHA-256 (base64url) of the browser-binding cookie. */
  @Column({ name: 'bind_hash', type: 'varchar', length: 43 })
  bindHash!: string;

  @Column({ name: 'provider_id', type: 'varchar', length: 63 })
  providerId!: string;

  @Column({ type: 'varchar', length: 16 })
  audience!: string;

  @Column({ type: 'varchar', length: 64 })
  nonce!: string;

  /** RFC 7636 code_verifier, encrypted at rest. */
  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  /** The pending SMART authorization (a signed interaction), for the `users` audience. */
  @Column({ type: 'text', nullable: true })
  interaction!: string | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 6 })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'datetime', precision: 6, nullable: true })
  consumedAt!: Date | null;

  /** SHA-256 of the one-time code a portal or dashboard exchanges for its session; null until issued. */
  @Column({ name: 'handoff_hash', type: 'varchar', length: 43, nullable: true })
  handoffHash!: string | null;

  /** The account the hand-off code signs in as (`developer:{id}` or `admin:{id}`). */
  @Column({ name: 'handoff_subject', type: 'varchar', length: 80, nullable: true })
  handoffSubject!: string | null;
}
