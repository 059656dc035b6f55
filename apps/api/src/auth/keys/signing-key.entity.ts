import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An RS256 signing key pair, kept in the database so every API instance signs and verifies with the same keys.
 * A retired key stays (public half in the JWKS) until the last token it signed has expired.
 */
@Entity('signing_keys')
export class SigningKeyEntity {
  /** RFC 7638 JWK thumbprint. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 10 })
  alg!: string;

  /** Public JWK (JSON). */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** PKCS#8 PEM of the private key, encrypted (see KeyEncryption). */
  @Column({ name: 'private_pem', type: 'text' })
  privatePem!: string;

  @Index('idx_signing_keys_status')
  @Column({ type: 'varchar', length: 10 })
  status!: 'active' | 'retired';

  @CreateDateColumn({ name: 'created_at', precision: 6 })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'datetime', precision: 3, nullable: true })
  retiredAt!: Date | null;

  /** When the public key may leave the JWKS (retired_at + the longest token lifetime). */
  @Column({ name: 'remove_after', type: 'datetime', precision: 3, nullable: true })
  removeAfter!: Date | null;
}
