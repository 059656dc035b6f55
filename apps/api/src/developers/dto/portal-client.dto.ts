import { PickType } from '@nestjs/swagger';
import type { PortalClientRequest } from '@ccri/contracts';
import { CreateClientDto, ListClientsQueryDto } from '../../clients/dto/client.dto';

/**
 * What an integrator may set on a client: the administrators' DTO, narrowed. Anything else (patient context,
 * lifetimes, rate limits, enabled) is refused by the whitelisting ValidationPipe.
 */
export class PortalClientDto
  extends PickType(CreateClientDto, [
    'client_name',
    'description',
    'scope',
    'grant_types',
    'token_endpoint_auth_method',
    'jwks',
    'jwks_uri',
    'token_endpoint_auth_signing_alg',
    'redirect_uris',
    'launch_uri',
  ] as const)
  implements PortalClientRequest {}

export class PortalClientsQueryDto extends PickType(ListClientsQueryDto, [
  'search',
  'status',
  'page',
  'limit',
] as const) {}
