import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sample billing domain that reports read: customers, invoices with line items, payments
 * and usage events, each owned by an organization. Money is integer cents with a currency.
 *
 * Child rows reference their parent together with organization_id (composite foreign keys), so
 * the database itself guarantees that an invoice's customer, a payment's invoice and so on belong
 * to the same organization: a join in a report can never pull in another tenant's row.
 */
export class CreateBillingTables1795900100000 implements MigrationInterface {
  name = 'CreateBillingTables1795900100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        name text NOT NULL,
        email text,
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customers_pkey PRIMARY KEY (id),
        CONSTRAINT customers_organization_id_id_key UNIQUE (organization_id, id),
        CONSTRAINT customers_organization_id_fkey FOREIGN KEY (organization_id)
          REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT customers_country_check CHECK (country ~ '^[A-Z]{2}$'),
        CONSTRAINT customers_currency_check CHECK (currency ~ '^[A-Z]{3}$')
      )`);
    // customers_organization_id_id_key also serves as the index of the organization foreign key.

    await queryRunner.query(`
      CREATE TABLE invoices (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        number text NOT NULL,
        status text NOT NULL,
        currency char(3) NOT NULL,
        subtotal_cents bigint NOT NULL,
        tax_cents bigint NOT NULL,
        total_cents bigint NOT NULL,
        amount_paid_cents bigint NOT NULL DEFAULT 0,
        issued_at timestamptz NOT NULL,
        due_date date NOT NULL,
        paid_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT invoices_pkey PRIMARY KEY (id),
        CONSTRAINT invoices_organization_id_number_key UNIQUE (organization_id, number),
        CONSTRAINT invoices_organization_id_id_key UNIQUE (organization_id, id),
        CONSTRAINT invoices_organization_id_fkey FOREIGN KEY (organization_id)
          REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (organization_id, customer_id)
          REFERENCES customers (organization_id, id),
        CONSTRAINT invoices_status_check
          CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
        CONSTRAINT invoices_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT invoices_amounts_check
          CHECK (subtotal_cents >= 0 AND tax_cents >= 0 AND amount_paid_cents >= 0),
        CONSTRAINT invoices_total_cents_check CHECK (total_cents = subtotal_cents + tax_cents),
        CONSTRAINT invoices_amount_paid_cents_check CHECK (amount_paid_cents <= total_cents),
        CONSTRAINT invoices_paid_at_check CHECK ((status = 'paid') = (paid_at IS NOT NULL))
      )`);
    // Leading organization_id: the invoice_summary range scan, and the organization foreign key.
    await queryRunner.query(
      `CREATE INDEX invoices_organization_id_issued_at_idx ON invoices (organization_id, issued_at)`,
    );
    // ar_aging: open (or uncollectible) invoices of an org ordered by how overdue they are.
    await queryRunner.query(
      `CREATE INDEX invoices_organization_id_status_due_date_idx ON invoices (organization_id, status, due_date)`,
    );
    await queryRunner.query(`CREATE INDEX invoices_customer_id_idx ON invoices (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE invoice_line_items (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        description text NOT NULL,
        quantity integer NOT NULL,
        unit_amount_cents bigint NOT NULL,
        amount_cents bigint NOT NULL,
        CONSTRAINT invoice_line_items_pkey PRIMARY KEY (id),
        CONSTRAINT invoice_line_items_organization_id_fkey FOREIGN KEY (organization_id)
          REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT invoice_line_items_invoice_id_fkey FOREIGN KEY (organization_id, invoice_id)
          REFERENCES invoices (organization_id, id) ON DELETE CASCADE,
        CONSTRAINT invoice_line_items_quantity_check CHECK (quantity > 0),
        CONSTRAINT invoice_line_items_unit_amount_cents_check CHECK (unit_amount_cents >= 0),
        CONSTRAINT invoice_line_items_amount_cents_check
          CHECK (amount_cents = quantity * unit_amount_cents)
      )`);
    // One index serves both foreign keys (organization, and organization + invoice) and the lookup
    // of an invoice's lines; on the largest table a second index would cost more than it gives.
    await queryRunner.query(
      `CREATE INDEX invoice_line_items_organization_id_invoice_id_idx ON invoice_line_items (organization_id, invoice_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        amount_cents bigint NOT NULL,
        currency char(3) NOT NULL,
        paid_at timestamptz NOT NULL,
        method text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_pkey PRIMARY KEY (id),
        CONSTRAINT payments_organization_id_fkey FOREIGN KEY (organization_id)
          REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT payments_invoice_id_fkey FOREIGN KEY (organization_id, invoice_id)
          REFERENCES invoices (organization_id, id),
        CONSTRAINT payments_customer_id_fkey FOREIGN KEY (organization_id, customer_id)
          REFERENCES customers (organization_id, id),
        CONSTRAINT payments_amount_cents_check CHECK (amount_cents > 0),
        CONSTRAINT payments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT payments_method_check CHECK (method IN ('card', 'bank_transfer', 'ach', 'sepa'))
      )`);
    // revenue_by_customer: payments of an org in a period.
    await queryRunner.query(
      `CREATE INDEX payments_organization_id_paid_at_idx ON payments (organization_id, paid_at)`,
    );
    await queryRunner.query(`CREATE INDEX payments_invoice_id_idx ON payments (invoice_id)`);
    await queryRunner.query(`CREATE INDEX payments_customer_id_idx ON payments (customer_id)`);

    // bigint identity, not uuid: the high-volume table, and nothing outside refers to its rows.
    await queryRunner.query(`
      CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY,
        organization_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        metric text NOT NULL,
        quantity numeric(18, 4) NOT NULL,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT usage_events_pkey PRIMARY KEY (id),
        CONSTRAINT usage_events_organization_id_fkey FOREIGN KEY (organization_id)
          REFERENCES organizations (id) ON DELETE CASCADE,
        CONSTRAINT usage_events_customer_id_fkey FOREIGN KEY (organization_id, customer_id)
          REFERENCES customers (organization_id, id),
        CONSTRAINT usage_events_metric_check CHECK (metric <> ''),
        CONSTRAINT usage_events_quantity_check CHECK (quantity >= 0)
      )`);
    // usage_report: events of an org in a period.
    await queryRunner.query(
      `CREATE INDEX usage_events_organization_id_occurred_at_idx ON usage_events (organization_id, occurred_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_events_customer_id_idx ON usage_events (customer_id)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Children first; each table's indexes and constraints go with it.
    await queryRunner.query(`DROP TABLE usage_events`);
    await queryRunner.query(`DROP TABLE payments`);
    await queryRunner.query(`DROP TABLE invoice_line_items`);
    await queryRunner.query(`DROP TABLE invoices`);
    await queryRunner.query(`DROP TABLE customers`);
  }
}
