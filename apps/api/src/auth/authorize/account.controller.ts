import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { END_USER_SESSION } from '../../sessions/session-kinds';
import type { Params } from './authorization-request';
import { AccountService } from './account.service';
import { errorPage, FIELD, signInPage } from './authorize-pages';
import { AuthorizeService, type Browser, type SignedIn } from './authorize.service';
import { html, PAGE_HEADERS } from './html-page';
import { auditInto, formOf } from './page-request';
import {
  cookie,
  CSRF_COOKIE,
  InteractionService,
  parseCookies,
  safeEqual,
  SESSION_COOKIE,
} from './interaction.service';

const ACCOUNT = '/auth/account';
const SIGN_IN_INTRO = html`<p>Sign in to see the apps you have allowed to use your health records.</p>`;

/**
 * A person's account page on the authorization server: `GET /auth/account` (the sign-in page when not signed in),
 * and form posts to sign in, revoke an allowed app, and sign out. Every post carries the CSRF token (double-submit
 * cookie, RFC 9700 §4.7); the pages have the same headers as the authorization pages (no framing, no caching).
 */
@ApiExcludeController()
@Public()
@Controller('auth/account')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly authorize: AuthorizeService,
    private readonly interactions: InteractionService,
  ) {}

  @Get()
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    let browser = browserOf(request);
    if (!browser) {
      browser = { csrf: this.interactions.newCsrfToken(), ip: request.ip };
      reply.header('set-cookie', cookie(CSRF_COOKIE, browser.csrf, { secure: this.interactions.secureCookies }));
    }
    const signedIn = await this.authorize.currentUser(browser.sessionToken);
    if (!signedIn) return page(reply, 200, this.signIn(browser.csrf));
    return page(reply, 200, await this.account.page(signedIn, browser.csrf));
  }

  @Post('sign-in')
  async signInPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = checkForm(request, 'account.sign-in');
    if ('refused' in checked) return page(reply, 403, checked.refused);
    const result = await this.authorize.signInPerson(
      checked.form,
      checked.browser,
      auditInto(request),
      'account.sign-in',
      null,
    );
    if ('error' in result) {
      reply.headers(result.headers ?? {});
      return page(reply, result.status, this.signIn(checked.browser.csrf, result.error, result.username));
    }
    reply.header(
      'set-cookie',
      cookie(SESSION_COOKIE, result.session.token, {
        secure: this.interactions.secureCookies,
        maxAge: END_USER_SESSION.ttlSeconds,
      }),
    );
    return backToAccount(reply);
  }

  @Post('revoke')
  async revoke(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = checkForm(request, 'account.revoke-grant');
    if ('refused' in checked) return page(reply, 403, checked.refused);
    const signedIn = await this.signedIn(checked.browser, request, 'account.revoke-grant');
    if (!signedIn) return backToAccount(reply);
    const result = await this.account.revokeGrant(signedIn, checked.form.grant, auditInto(request));
    return result.html ? page(reply, result.status, result.html) : backToAccount(reply);
  }

  @Post('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const checked = checkForm(request, 'account.sign-out');
    if ('refused' in checked) return page(reply, 403, checked.refused);
    const signedIn = await this.authorize.currentUser(checked.browser.sessionToken);
    if (signedIn) await this.account.signOut(signedIn, auditInto(request));
    reply.header('set-cookie', cookie(SESSION_COOKIE, '', { secure: this.interactions.secureCookies, maxAge: 0 }));
    return backToAccount(reply);
  }

  private async signedIn(browser: Browser, request: FastifyRequest, action: string): Promise<SignedIn | null> {
    const signedIn = await this.authorize.currentUser(browser.sessionToken);
    if (!signedIn) auditInto(request)({ action, outcome: 'denied', reason: 'not_signed_in' });
    return signedIn;
  }

  private signIn(csrf: string, error?: string, username?: string): string {
    return signInPage({
      clientName: '',
      interaction: '',
      csrf,
      action: `${ACCOUNT}/sign-in`,
      intro: SIGN_IN_INTRO,
      error,
      username,
    });
  }
}

function page(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body);
}

/** RFC 9700 §4.12: 303 after a form post. */
function backToAccount(reply: FastifyReply): FastifyReply {
  return reply
    .code(303)
    .header('location', ACCOUNT)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send();
}

function browserOf(request: FastifyRequest): Browser | null {
  const cookies = parseCookies(request.headers.cookie);
  const csrf = cookies[CSRF_COOKIE];
  if (!csrf || !/^[A-Za-z0-9_-]{43}$/.test(csrf)) return null;
  return { csrf, sessionToken: cookies[SESSION_COOKIE], ip: request.ip };
}

/** A form post: its CSRF token must equal the browser's CSRF cookie (double submit), else 403 and nothing done. */
function checkForm(request: FastifyRequest, action: string): { form: Params; browser: Browser } | { refused: string } {
  const form = formOf(request);
  const browser = browserOf(request);
  const token = form[FIELD.csrf];
  if (!browser || typeof token !== 'string' || !safeEqual(token, browser.csrf)) {
    auditInto(request)({ action, outcome: 'denied', reason: 'csrf_token_invalid' });
    return {
      refused: errorPage(
        'Request refused',
        'This form could not be checked (missing or wrong security token). Open your account page and try again.',
      ),
    };
  }
  return { form, browser };
}
