import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { END_USER_SESSION } from '../../sessions/session-kinds';
import type { Params } from './authorization-request';
import { FIELD } from './authorize-pages';
import { type Browser, AuthorizeService, type StepResult } from './authorize.service';
import { errorPage } from './authorize-pages';
import { PAGE_HEADERS } from './html-page';
import { auditInto, formOf } from './page-request';
import {
  cookie,
  CSRF_COOKIE,
  type Interaction,
  InteractionService,
  parseCookies,
  safeEqual,
  SESSION_COOKIE,
} from './interaction.service';

const EXPIRED = 'This sign-in has expired or was started in another browser. Go back to the app and start again.';

/**
 * The authorization endpoint and the pages a person sees (RFC 6749 §4.1, SMART App Launch 2.2): `GET`/`POST
 * /auth/authorize`, then sign-in, patient picker and consent under `/auth/authorize/…`. Each step that changes
 * something is a form post carrying a CSRF token (double-submit cookie) and the signed interaction.
 */
@ApiExcludeController()
@Public()
@Controller('auth/authorize')
export class AuthorizeController {
  constructor(
    private readonly service: AuthorizeService,
    private readonly interactions: InteractionService,
  ) {}

  @Get()
  authorizeGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.start((request.query ?? {}) as Params, request, reply);
  }

  /** SMART App Launch 2.2 `authorize-post`: the same parameters, form-encoded. */
  @Post()
  authorizePost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.start(formOf(request), request, reply);
  }

  @Get('resume')
  async resume(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const query = (request.query ?? {}) as Params;
    const browser = this.browser(request);
    const interaction = browser && (await this.interactions.verify(query[FIELD.interaction], browser.csrf));
    if (!browser || !interaction) return this.send(request, reply, expired());
    return this.send(request, reply, await this.service.proceed(interaction, browser, auditInto(request)));
  }

  @Get('patients')
  async patients(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const query = (request.query ?? {}) as Params;
    const browser = this.browser(request);
    const interaction = browser && (await this.interactions.verify(query[FIELD.interaction], browser.csrf));
    if (!browser || !interaction) return this.send(request, reply, expired());
    const search = typeof query[FIELD.search] === 'string' ? (query[FIELD.search] as string) : '';
    return this.send(request, reply, await this.service.searchPatients(interaction, search, browser));
  }

  @Post('sign-in')
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = await this.checkForm(request, 'authorize.sign-in');
    if ('refused' in checked) return this.send(request, reply, checked.refused);
    const result = await this.service.signIn(checked.interaction, checked.form, checked.browser, auditInto(request));
    if (result.session) {
      reply.header(
        'set-cookie',
        cookie(SESSION_COOKIE, result.session, {
          secure: this.interactions.secureCookies,
          maxAge: END_USER_SESSION.ttlSeconds,
        }),
      );
    }
    return this.send(request, reply, result);
  }

  @Post('patient')
  async patient(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = await this.checkForm(request, 'authorize.patient');
    if ('refused' in checked) return this.send(request, reply, checked.refused);
    return this.send(
      request,
      reply,
      await this.service.pickPatient(checked.interaction, checked.form, checked.browser),
    );
  }

  @Post('consent')
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = await this.checkForm(request, 'authorize.consent');
    if ('refused' in checked) return this.send(request, reply, checked.refused);
    return this.send(
      request,
      reply,
      await this.service.consent(checked.interaction, checked.form, checked.browser, auditInto(request)),
    );
  }

  private async start(params: Params, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    let browser = this.browser(request);
    if (!browser) {
      browser = { csrf: this.interactions.newCsrfToken(), ip: request.ip };
      reply.header('set-cookie', cookie(CSRF_COOKIE, browser.csrf, { secure: this.interactions.secureCookies }));
    }
    return this.send(request, reply, await this.service.authorize(params, browser, auditInto(request)));
  }

  /**
   * A page's form post: the CSRF token must equal the browser's CSRF cookie (double submit) and the interaction
   * must be ours and bound to that cookie; otherwise 403 and nothing is done (RFC 9700 §4.7, CSRF).
   */
  private async checkForm(
    request: FastifyRequest,
    action: string,
  ): Promise<{ interaction: Interaction; form: Params; browser: Browser } | { refused: StepResult }> {
    const form = formOf(request);
    const browser = this.browser(request);
    const token = form[FIELD.csrf];
    if (!browser || typeof token !== 'string' || !safeEqual(token, browser.csrf)) {
      auditInto(request)({ action, outcome: 'denied', reason: 'csrf_token_invalid' });
      return {
        refused: {
          kind: 'page',
          status: 403,
          html: errorPage(
            'Request refused',
            'This form could not be checked (missing or wrong security token). ' + EXPIRED,
          ),
        },
      };
    }
    const interaction = await this.interactions.verify(form[FIELD.interaction], browser.csrf);
    if (!interaction) {
      auditInto(request)({ action, outcome: 'error', reason: 'interaction_invalid' });
      return { refused: expired() };
    }
    return { interaction, form, browser };
  }

  private browser(request: FastifyRequest): Browser | null {
    const cookies = parseCookies(request.headers.cookie);
    const csrf = cookies[CSRF_COOKIE];
    if (!csrf || !/^[A-Za-z0-9_-]{43}$/.test(csrf)) return null;
    return { csrf, sessionToken: cookies[SESSION_COOKIE], ip: request.ip };
  }

  private send(request: FastifyRequest, reply: FastifyReply, result: StepResult): FastifyReply {
    if (result.kind === 'redirect') {
      // RFC 9700 §4.12: 303 after a form post, so the browser does not re-post to the app.
      return reply
        .code(request.method === 'POST' ? 303 : 302)
        .header('location', result.location)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send();
    }
    return reply
      .code(result.status)
      .headers({ ...PAGE_HEADERS, ...(result.headers ?? {}) })
      .send(result.html);
  }
}

function expired(): StepResult {
  return { kind: 'page', status: 400, html: errorPage('Sign-in expired', EXPIRED) };
}
