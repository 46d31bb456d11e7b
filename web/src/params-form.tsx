/** A form for a report type's `parameters_schema` (the JSON Schema subset the catalogue uses). */
interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
}

type Value = Record<string, unknown>;

const label = (name: string, schema: JsonSchema) => schema.title ?? name.replace(/_/g, ' ');

export function ParamsForm(props: {
  schema: JsonSchema;
  value: Value;
  onChange: (value: Value) => void;
  idPrefix?: string;
}) {
  const { schema, value, onChange, idPrefix = 'param' } = props;
  const set = (name: string, v: unknown) => {
    const next = { ...value };
    if (v === '' || v === undefined) delete next[name];
    else next[name] = v;
    onChange(next);
  };
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, prop]) => {
        const id = `${idPrefix}-${name}`;
        const required = schema.required?.includes(name);
        const help = prop.description ? (
          <p class="hint" id={`${id}-help`}>
            {prop.description}
          </p>
        ) : null;
        const described = prop.description ? `${id}-help` : undefined;
        const current = value[name];
        if (prop.type === 'object' && prop.properties) {
          return (
            <fieldset key={name}>
              <legend>
                {label(name, prop)}
                {required && ' (required)'}
              </legend>
              {help}
              <ParamsForm
                schema={prop}
                value={(current as Value) ?? {}}
                onChange={(v) => set(name, Object.keys(v).length ? v : undefined)}
                idPrefix={id}
              />
            </fieldset>
          );
        }
        let input;
        if (prop.enum) {
          input = (
            <select
              id={id}
              aria-describedby={described}
              value={String(current ?? '')}
              onChange={(e) => set(name, e.currentTarget.value)}
            >
              <option value="">{required ? 'choose…' : '(none)'}</option>
              {prop.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option).replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          );
        } else if (prop.type === 'boolean') {
          return (
            <div key={name} class="field check">
              <input
                id={id}
                type="checkbox"
                checked={current === true}
                onChange={(e) => set(name, e.currentTarget.checked || undefined)}
              />
              <label for={id}>{label(name, prop)}</label>
              {help}
            </div>
          );
        } else if (prop.type === 'integer' || prop.type === 'number') {
          input = (
            <input
              id={id}
              type="number"
              min={prop.minimum}
              max={prop.maximum}
              aria-describedby={described}
              value={current === undefined ? '' : String(current)}
              onInput={(e) =>
                set(name, e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))
              }
            />
          );
        } else if (prop.type === 'array') {
          input = (
            <input
              id={id}
              aria-describedby={described}
              placeholder="comma-separated"
              value={Array.isArray(current) ? current.join(', ') : ''}
              onInput={(e) => {
                const items = e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean);
                set(name, items.length ? items : undefined);
              }}
            />
          );
        } else {
          input = (
            <input
              id={id}
              type={prop.format === 'date' ? 'date' : 'text'}
              aria-describedby={described}
              value={String(current ?? '')}
              onInput={(e) => set(name, e.currentTarget.value)}
            />
          );
        }
        return (
          <div key={name} class="field">
            <label for={id}>
              {label(name, prop)}
              {required && ' (required)'}
            </label>
            {input}
            {help}
          </div>
        );
      })}
    </>
  );
}
