import { DeclareAccess } from './access.decorator';

/** An open route: no token, no session. Nothing is public without this. */
export const Public = () => DeclareAccess('public');
