import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An OAuth client. Holds only a keyed hash of its secret; never serialised (see ClientsService.toClient). */
@Entity('oauth_clients')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 100 })
  clientId!: string;

  @Column({ name: 'client_name', type: 'varchar', length: 200 })
  clientName!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description!: string;

  /** HMAC-SHA-256 of the secret under the server pepper, hex; null for clients that authenticate without a secret. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, nullable: true })
  secretHash!: string | null;

  /** Space-separated RFC 7591 grant types. */
  @Column({ name: 'grant_types', type: 'varchar', length: 200 })
  grantTypes!: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 40 })
  tokenEndpointAuthMethod!: string;

  /** Space-separated allowed scopes. */
  @Column({ type: 'text' })
  scope!: string;

  /** Inline JWK Set (JSON) for private_key_jwt. */
  @Column({ type: 'text', nullable: true })
  jwks!: string | null;

  @Column({ name: 'jwks_uri', type: 'varchar', length: 2000, nullable: true })
  jwksUri!: string | null;

  /** OpenID Connect Dynamic Client Registration §2: the only `alg` accepted on this client's assertions. */
  @Column({ name: 'token_endpoint_auth_signing_alg', type: 'varchar', length: 16, nullable: true })
  tokenEndpointAuthSigningAlg!: string | null;

  /** RFC 7591 §2 `redirect_uris`, a JSON array; the authorization endpoint compares them exactly (RFC 9700 §2.1). */
  @Column({ name: 'redirect_uris', type: 'text', nullable: true })
  redirectUris!: string | null;

  /** SMART EHR launch URL (OpenID `initiate_login_uri`). */
  @Column({ name: 'launch_uri', type: 'varchar', length: 2000, nullable: true })
  launchUri!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  patient!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'single_active_token', type: 'boolean', default: false })
  singleActiveToken!: boolean;

  @Column({ name: 'token_ttl_seconds', type: 'int', nullable: true })
  tokenTtlSeconds!: number | null;

  /** Requests per minute this client may make to the token endpoint; null means the server default. */
  @Column({ name: 'rate_limit_per_minute', type: 'int', nullable: true })
  rateLimitPerMinute!: number | null;

  /** How the client came to be: `admin` (management API), `dynamic` (RFC 7591), `portal` (developer portal). */
  @Column({ name: 'registered_by', type: 'varchar', length: 16, default: 'admin' })
  registeredBy!: string;

  /** The developer-portal account that owns a self-registered client. */
  @Index('idx_oauth_clients_owner')
  @Column({ type: 'varchar', length: 100, nullable: true })
  owner!: string | null;

  /** RFC 7592 registration access token, as an HMAC like the secret. */
  @Column({ name: 'registration_token_hash', type: 'varchar', length: 64, nullable: true })
  registrationTokenHash!: string | null;

  @Index('idx_oauth_clients_status')
  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: string;

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 6 })
  updatedAt!: Date;
}
