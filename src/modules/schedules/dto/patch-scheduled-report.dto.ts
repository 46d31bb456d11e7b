import { PartialType } from '@nestjs/swagger';
import { CreateScheduledReportDto } from './create-scheduled-report.dto';

/** PATCH: any subset of the editable fields; `schedule_config` and `recipients` are replaced whole. */
export class PatchScheduledReportDto extends PartialType(CreateScheduledReportDto) {}
