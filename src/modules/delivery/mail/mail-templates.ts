import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The messages in templates/email/, each with `<name>.html.hbs` and `<name>.txt.hbs`. */
export const EMAIL_TEMPLATE_NAMES = [
  'report-ready',
  'execution-failed',
  'delivery-failed',
  'schedule-paused',
  'access-revoked',
] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATE_NAMES)[number];

/** Fields the layout and footer read; every message's data carries them. */
export interface EmailLayoutData {
  brandName: string;
  /** The subject, repeated as the HTML title. */
  title: string;
  /** Why the reader gets this message, shown in the footer. */
  footerNote: string;
  /** Shown as a visible unsubscribe link when set (report emails). */
  unsubscribeUrl: string | null;
}

export interface RenderedEmail {
  html: string;
  text: string;
}

type Template = HandlebarsTemplateDelegate;

/**
 * "What to say": the email templates, compiled once. HTML and text live in two isolated
 * Handlebars environments (no global helper or partial leaks in): HTML escapes every `{{ }}`,
 * text does not (entities would show as `&amp;` in a plain-text part). Both are strict, so a
 * field missing from the data throws instead of printing an empty string. Only files under
 * templates/email/ are ever compiled; data such as schedule names is never a template.
 */
@Injectable()
export class MailTemplates {
  private readonly templates: Map<string, { html: Template; text: Template }>;

  constructor() {
    this.templates = loadTemplates(path.join(templatesRoot(), 'email'));
  }

  render(name: EmailTemplateName, data: EmailLayoutData & Record<string, unknown>): RenderedEmail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`unknown email template '${name}'`);
    return {
      html: template.html(data),
      // Block tags leave blank lines behind; a text part reads better without runs of them.
      text: `${template
        .text(data)
        .replace(/[ \t]+$/gm, '')
        .replace(/\n{3,}/g, '\n\n')
        .trim()}\n`,
    };
  }
}

function loadTemplates(dir: string): Map<string, { html: Template; text: Template }> {
  const html = Handlebars.create();
  const text = Handlebars.create();
  const compile = (file: string) => {
    const source = readFileSync(path.join(dir, file), 'utf8');
    return file.endsWith('.txt.hbs')
      ? text.compile(source, { strict: true, noEscape: true })
      : html.compile(source, { strict: true });
  };
  // Compiled here rather than registered as source, so each partial keeps its own escaping.
  html.registerPartial('base', compile('layouts/base.html.hbs'));
  text.registerPartial('base', compile('layouts/base.txt.hbs'));
  for (const file of readdirSync(path.join(dir, 'partials')).sort()) {
    const match = /^(.+)\.(html|txt)\.hbs$/.exec(file);
    if (!match) continue;
    (match[2] === 'html' ? html : text).registerPartial(match[1], compile(`partials/${file}`));
  }
  const templates = new Map<string, { html: Template; text: Template }>();
  for (const name of EMAIL_TEMPLATE_NAMES) {
    templates.set(name, { html: compile(`${name}.html.hbs`), text: compile(`${name}.txt.hbs`) });
  }
  return templates;
}

/**
 * The repository's top-level templates/ folder, found by walking up from this file so it works
 * from src/ (ts-jest, ts-node) and dist/src/ alike, as the PDF writer does. The build does not
 * copy it: a deployment ships templates/ beside dist/.
 */
function templatesRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'email', 'layouts', 'base.html.hbs'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`templates/email not found above ${__dirname}`);
  }
}

/** `Nov 9, 2026, 9:00 AM EST`, in `timeZone` (UTC when the zone is unknown). */
export function formatDateTime(date: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    dateStyle: 'medium',
    timeStyle: 'short',
  };
  const format = (zone: string) =>
    `${new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone }).format(date)} ${zoneName(date, zone)}`;
  try {
    return format(timeZone);
  } catch {
    return format('UTC');
  }
}

function zoneName(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' });
  return parts.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** `1.4 MB`: enough to tell a reader why a file was not attached. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
