import { SetMetadata } from '@nestjs/common';

/** Every route declares who may call it; the global RouteDeclarationGuard refuses a route that does not. */
export const ACCESS_KEY = 'ccri:access';
export type AccessKind = 'public' | 'fhir' | 'admin' | 'developer' | 'client';

export const DeclareAccess = (kind: AccessKind) => SetMetadata(ACCESS_KEY, kind);
