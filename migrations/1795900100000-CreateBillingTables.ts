import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sample billing domain that reports read: customers, invoices with line items,
 * payments and usage events, each owned by an organization, with the indexes the five
 * report types need. Money is integer cents with a currency.
 */
export class CreateBillingTables1795900100000 implements MigrationInterface {
  name = 'CreateBillingTables1795900100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        email text,
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX customers_organization_id_idx ON customers (organization_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        number text NOT NULL,
        status text NOT NULL CONSTRAINT invoices_status_check
          CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
        currency char(3) NOT NULL,
        subtotal_cents bigint NOT NULL CHECK (subtotal_cents >= 0),
        tax_cents bigint NOT NULL CHECK (tax_cents >= 0),
        total_cents bigint NOT NULL,
        amount_paid_cents bigint NOT NULL DEFAULT 0 CHECK (amount_paid_cents >= 0),
        issued_at timestamptz NOT NULL,
        due_date date NOT NULL,
        paid_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT invoices_total_check CHECK (total_cents = subtotal_cents + tax_cents),
        CONSTRAINT invoices_paid_check CHECK (amount_paid_cents <= total_cents),
        CONSTRAINT invoices_organization_id_number_key UNIQUE (organization_id, number)
      )`);
    await queryRunner.query(
      `CREATE INDEX invoices_organization_id_issued_at_idx ON invoices (organization_id, issued_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX invoices_open_due_idx ON invoices (organization_id, due_date) WHERE status IN ('open', 'uncollectible')`,
    );
    await queryRunner.query(`CREATE INDEX invoices_customer_id_idx ON invoices (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE invoice_line_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        invoice_id uuid NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        description text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_amount_cents bigint NOT NULL CHECK (unit_amount_cents >= 0),
        amount_cents bigint NOT NULL,
        CONSTRAINT invoice_line_items_amount_check CHECK (amount_cents = quantity * unit_amount_cents)
      )`);
    await queryRunner.query(
      `CREATE INDEX invoice_line_items_invoice_id_idx ON invoice_line_items (invoice_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX invoice_line_items_organization_id_idx ON invoice_line_items (organization_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        invoice_id uuid NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        currency char(3) NOT NULL,
        paid_at timestamptz NOT NULL,
        method text NOT NULL CONSTRAINT payments_method_check CHECK (method IN ('card', 'bank_transfer', 'ach', 'sepa')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX payments_organization_id_paid_at_idx ON payments (organization_id, paid_at)`,
    );
    await queryRunner.query(`CREATE INDEX payments_invoice_id_idx ON payments (invoice_id)`);
    await queryRunner.query(`CREATE INDEX payments_customer_id_idx ON payments (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE usage_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        metric text NOT NULL,
        quantity numeric(18, 4) NOT NULL CHECK (quantity >= 0),
        occurred_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX usage_events_organization_id_occurred_at_idx ON usage_events (organization_id, occurred_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_events_customer_id_idx ON usage_events (customer_id)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_events`);
    await queryRunner.query(`DROP TABLE payments`);
    await queryRunner.query(`DROP TABLE invoice_line_items`);
    await queryRunner.query(`DROP TABLE invoices`);
    await queryRunner.query(`DROP TABLE customers`);
  }
}
