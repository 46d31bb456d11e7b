import { CreateScheduledReportDto } from './create-scheduled-report.dto';

/** PUT: the whole set of editable fields, as on create. */
export class UpdateScheduledReportDto extends CreateScheduledReportDto {}
