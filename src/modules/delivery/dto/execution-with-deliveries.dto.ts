import { ApiProperty } from '@nestjs/swagger';
import { ReportExecutionDto } from 'src/modules/executions/dto/report-execution.dto';
import { ReportDeliveryDto } from './report-delivery.dto';

/** An execution as GET /report-executions/:id shows it: with one delivery per recipient. */
export class ExecutionWithDeliveriesDto extends ReportExecutionDto {
  @ApiProperty({ type: [ReportDeliveryDto] })
  deliveries: ReportDeliveryDto[];
}
