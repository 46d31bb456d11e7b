import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from 'src/common/auth/auth.decorators';
import { ReportTypeDto } from './dto/report-type.dto';
import { ReportTypeRegistry } from './report-types/report-type.registry';

@ApiTags('report-types')
@Controller('report-types')
export class ReportTypesController {
  constructor(private readonly registry: ReportTypeRegistry) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The report catalogue with each type’s parameter schema' })
  @ApiOkResponse({ type: [ReportTypeDto] })
  list(): ReportTypeDto[] {
    return this.registry.list().map((type) => ({
      report_type: type.id,
      name: type.name,
      description: type.description,
      required_permission: type.requiredPermission,
      output_formats: [...this.registry.formatsOf(type)],
      parameters_schema: type.parametersSchema as Record<string, unknown>,
      parameters_example: type.parametersExample,
    }));
  }
}
