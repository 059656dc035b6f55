import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An external OpenID provider this server signs people in through (it is the relying party). Never serialised
 * (see IdentityProvidersService.toProvider): the client secret is stored encrypted and never returned.
 */
@Entity('identity_providers')
export class IdentityProviderEntity {
  /** A slug, the `{provider}` of `/auth/federation/{provider}/callback`. */
  @PrimaryColumn({ type: 'varchar', length: 63 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500 })
  issuer!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  /** AES-256-GCM under a key derived from the server's pepper (KeyEncryption), like the signing keys. */
  @Column({ name: 'client_secret_encrypted', type: 'text' })
  clientSecretEncrypted!: string;

  @Column({ type: 'varchar', length: 500 })
  scopes!: string;

  /** JSON array of `users`, `developers`, `admins`. */
  @Column({ type: 'text' })
  audiences!: string;

  @Column({ name: 'link_by_verified_email', type: 'boolean', default: false })
  linkByVerifiedEmail!: boolean;

  @Column({ name: 'auto_create', type: 'boolean', default: false })
  autoCreate!: boolean;

  /** JSON array of lower-case e-mail domains; empty: any. */
  @Column({ name: 'allowed_domains', type: 'text' })
  allowedDomains!: string;

  /** JSON array of verified e-mails or `sub`s allowed to sign in as administrators. */
  @Column({ name: 'admin_allow_list', type: 'text' })
  adminAllowList!: string;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 6 })
  updatedAt!: Date;
}
