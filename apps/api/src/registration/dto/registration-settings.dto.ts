import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { REGISTRATION_POLICIES, type RegistrationPolicy, type RegistrationSettings } from '@ccri/contracts';
import { isValidScope } from '@ccri/smart-scopes';

@ValidatorConstraint({ name: 'smartScope' })
export class SmartScopeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidScope(value);
  }

  /** Called once for the whole array (`each`), so it names every bad entry. */
  defaultMessage(args?: ValidationArguments): string {
    const values: unknown[] = Array.isArray(args?.value) ? args.value : [args?.value];
    const invalid = values.filter((v) => !this.validate(v)).map((v) => JSON.stringify(v));
    return `${args?.property ?? 'value'} has entries that are not SMART scopes: ${invalid.join(', ')}`;
  }
}

export class RegistrationSettingsDto implements RegistrationSettings {
  @ApiProperty({
    enum: REGISTRATION_POLICIES,
    description:
      'closed: no dynamic registration; initial-token: an initial access token is required; open-with-approval: anyone may register, an administrator approves',
  })
  @IsIn(REGISTRATION_POLICIES)
  policy!: RegistrationPolicy;

  @ApiProperty({
    type: [String],
    example: ['profile', 'patient/Patient.read'],
    description: 'Scopes self-registered clients may ask for',
  })
  @IsArray()
  @ArrayMaxSize(500)
  @Validate(SmartScopeConstraint, { each: true })
  self_service_scopes!: string[];
}
