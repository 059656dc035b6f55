declare module 'passport-oauth2-client-password' {
  import { Strategy as PassportStrategy } from 'passport-strategy';

  export interface StrategyOptions {
    passReqToCallback?: boolean;
  }

  export class Strategy extends PassportStrategy {
    constructor(options: StrategyOptions, verify: (...args: unknown[]) => void);
    constructor(verify: (...args: unknown[]) => void);
  }
}
