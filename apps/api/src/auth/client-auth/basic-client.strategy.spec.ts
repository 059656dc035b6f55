import { parseBasicCredentials } from './basic-client.strategy';

const basic = (s: string) => 'Basic ' + Buffer.from(s, 'utf8').toString('base64');

describe('parseBasicCredentials (RFC 6749 §2.3.1)', () => {
  it.each([
    [basic('patient-access:s3cret'), { clientId: 'patient-access', secret: 's3cret' }],
    [basic('my%20client:a%3Ab%2Bc'), { clientId: 'my client', secret: 'a:b+c' }],
    [basic('id:with+plus'), { clientId: 'id', secret: 'with plus' }],
    [basic('id:pa:ss'), { clientId: 'id', secret: 'pa:ss' }],
    ['basic ' + Buffer.from('id:x').toString('base64'), { clientId: 'id', secret: 'x' }],
  ])('%s', (header, expected) => {
    expect(parseBasicCredentials(header)).toEqual(expected);
  });

  it.each([
    undefined,
    '',
    'Bearer abc',
    'Basic',
    'Basic !!!',
    basic('no-colon'),
    basic(':secret-only'),
    basic('id:%E0%A4%A'),
  ])('refuses %j', (header) => {
    expect(parseBasicCredentials(header)).toBeNull();
  });
});
