import { atHash } from './id-token.service';

describe('atHash (OpenID Connect Core §3.1.3.6)', () => {
  it('matches the worked example of OpenID Connect Core Appendix A.3', () => {
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });
});
