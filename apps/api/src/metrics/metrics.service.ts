import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one API instance (its own registry, so several apps can live in one test process). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ccri_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'ccri_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly tokensIssued = new Counter({
    name: 'ccri_tokens_issued_total',
    help: 'Access tokens issued by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });
  private readonly tokensRefused = new Counter({
    name: 'ccri_token_requests_refused_total',
    help: 'Token requests refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly denials = new Counter({
    name: 'ccri_fhir_denials_total',
    help: 'FHIR requests refused for want of scope, by resource type and interaction',
    labelNames: ['resource_type', 'interaction'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  tokenIssued(grantType: string): void {
    this.tokensIssued.inc({ grant_type: grantType });
  }

  tokenRefused(reason: string): void {
    this.tokensRefused.inc({ reason });
  }

  fhirDenied(resourceType: string, interaction: string): void {
    this.denials.inc({ resource_type: resourceType, interaction });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
