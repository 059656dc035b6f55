import { Navigate, Route, Routes } from 'react-router';
import { LoginPage } from '../auth/login-page';
import { RequireSession } from '../auth/require-session';
import { ClientsPage } from '../clients/clients-page';
import { NewClientPage } from '../clients/new-client-page';
import { AppLayout } from './app-layout';
import { NotFoundPage } from './not-found-page';

/** Paths are relative to the router's basename (`/admin` in the browser). */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireSession />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/clients" replace />} />
          <Route path="/clients" element={<ClientsPage />} />
          <Route path="/clients/new" element={<NewClientPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
