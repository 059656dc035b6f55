export interface Page<T> {
  items: T[];
  total: number;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** RFC 9457 problem details, with field-level messages for validation failures. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

export interface LiveToken {
  jti: string;
  client_id: string;
  scope: string;
  patient?: string | null;
  issued_at: string;
  expires_at: string;
  kid: string;
}

export interface SigningKeyInfo {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  /** When the retired key leaves the JWKS (its last token has expired by then). */
  remove_after: string | null;
}
