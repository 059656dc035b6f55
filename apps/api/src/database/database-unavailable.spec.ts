import { QueryFailedError } from 'typeorm';
import { normalizeError } from '../common/filters/normalize-error';
import { renderForSurface } from '../common/filters/error-renderers';
import { isDatabaseUnavailable } from '../common/errors/database-unavailable';
import { PoolAcquireTimeoutError } from './database-unavailable';

function driverError(code: string, message = `${code} happened`, fatal = true): Error {
  return Object.assign(new Error(message), { code, fatal });
}

describe('database errors that mean "try again later"', () => {
  it.each([
    ['connection refused', driverError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306')],
    ['connection lost', driverError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.')],
    ['connect timeout', driverError('ETIMEDOUT', 'connect ETIMEDOUT')],
    ['query timeout', driverError('PROTOCOL_SEQUENCE_TIMEOUT', 'Query inactivity timeout')],
    ['pool acquire timeout', new PoolAcquireTimeoutError(2000)],
    ['SQLite busy', driverError('SQLITE_BUSY', 'database is locked')],
    ['a closed connection', new Error("Can't add new command when connection is in closed state")],
    ['TypeORM wrapping a lost connection', new QueryFailedError('SELECT 1', [], driverError('ECONNRESET'))],
    ['an error caused by a refused connection', new Error('outer', { cause: driverError('ECONNREFUSED') })],
  ])('%s renders as a 503 with Retry-After on every surface', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const { error: domain, unexpected } = normalizeError(error);
    expect(unexpected).toBe(false);

    const fhir = renderForSurface('fhir', domain, '/fhir/Patient');
    expect(fhir.status).toBe(503);
    expect(fhir.headers['retry-after']).toMatch(/^\d+$/);
    expect(fhir.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'transient', diagnostics: expect.any(String) }],
    });

    const oauth = renderForSurface('oauth', domain, '/auth/token');
    expect(oauth.status).toBe(503);
    expect(oauth.headers['retry-after']).toMatch(/^\d+$/);
    expect(oauth.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });

    const api = renderForSurface('api', domain, '/api/clients?page=2');
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toMatch(/^\d+$/);
    expect(api.contentType).toMatch(/^application\/problem\+json/);
    expect(api.body).toMatchObject({ status: 503, instance: '/api/clients' });
    // Nothing of the driver's message (host, port, SQL) reaches the client.
    expect(JSON.stringify([fhir.body, oauth.body, api.body])).not.toMatch(/127\.0\.0\.1|SELECT|ECONN|PROTOCOL/);
  });

  it.each([
    ['a duplicate key', new QueryFailedError('INSERT', [], driverError('ER_DUP_ENTRY', 'Duplicate entry', false))],
    ['a syntax error', driverError('ER_PARSE_ERROR', 'You have an error in your SQL syntax', false)],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a non-error value', 'boom'],
  ])('%s stays an unexpected 500', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    const { error: domain, unexpected } = normalizeError(error);
    expect(domain.status).toBe(500);
    expect(unexpected).toBe(true);
  });

  it('does not loop on an error that is its own cause', () => {
    const e = new Error('self') as Error & { cause?: unknown };
    e.cause = e;
    expect(isDatabaseUnavailable(e)).toBe(false);
  });
});
