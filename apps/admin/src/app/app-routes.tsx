import { Navigate, Route, Routes } from 'react-router';
import { AuditPage } from '../audit/audit-page';
import { LoginPage } from '../auth/login-page';
import { RequireSession } from '../auth/require-session';
import { ClientDetailPage } from '../clients/client-detail-page';
import { ClientsPage } from '../clients/clients-page';
import { ExportsPage } from '../exports/exports-page';
import { NewClientPage } from '../clients/new-client-page';
import { SignInProvidersPage } from '../federation/sign-in-providers-page';
import { PortalClientPage } from '../portal/portal-client-page';
import { PortalClientsPage } from '../portal/portal-clients-page';
import { PortalLayout } from '../portal/portal-layout';
import { PortalNewClientPage } from '../portal/portal-new-client-page';
import { PortalSignInPage } from '../portal/portal-sign-in-page';
import { PortalSignUpPage } from '../portal/portal-sign-up-page';
import { RequirePortalSession } from '../portal/require-portal-session';
import { RegistrationSettingsPage } from '../registration/registration-settings-page';
import { ScopesPage } from '../scopes/scopes-page';
import { TokensPage } from '../tokens/tokens-page';
import { NewUserPage } from '../users/new-user-page';
import { UserDetailPage } from '../users/user-detail-page';
import { UsersPage } from '../users/users-page';
import { AppLayout } from './app-layout';
import { NotFoundPage } from './not-found-page';

/**
 * Paths are relative to the router's basename (`/admin` in the browser). The developer portal lives under
 * `/portal` with its own session and layout; everything else is the administrators' dashboard.
 */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/portal/login" element={<PortalSignInPage />} />
      <Route path="/portal/signup" element={<PortalSignUpPage />} />
      <Route path="/portal" element={<RequirePortalSession />}>
        <Route element={<PortalLayout />}>
          <Route index element={<Navigate to="/portal/clients" replace />} />
          <Route path="clients" element={<PortalClientsPage />} />
          <Route path="clients/new" element={<PortalNewClientPage />} />
          <Route path="clients/:clientId" element={<PortalClientPage />} />
          <Route path="*" element={<Navigate to="/portal/clients" replace />} />
        </Route>
      </Route>
      <Route element={<RequireSession />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/clients" replace />} />
          <Route path="/clients" element={<ClientsPage />} />
          <Route path="/clients/new" element={<NewClientPage />} />
          <Route path="/clients/:clientId" element={<ClientDetailPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="/users/new" element={<NewUserPage />} />
          <Route path="/users/:userId" element={<UserDetailPage />} />
          <Route path="/scopes" element={<ScopesPage />} />
          <Route path="/tokens" element={<TokensPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/exports" element={<ExportsPage />} />
          <Route path="/settings/registration" element={<RegistrationSettingsPage />} />
          <Route path="/settings/sign-in-providers" element={<SignInProvidersPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
