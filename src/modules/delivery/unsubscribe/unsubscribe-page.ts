import type { UnsubscribeTarget } from './unsubscribe.service';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The two tiny pages of the unsubscribe flow. The form posts to its own URL (an empty action),
 * so the token never has to be echoed into markup; every user-supplied text is escaped.
 */
export function unsubscribePage(state: 'confirm' | 'done', target: UnsubscribeTarget): string {
  const schedule = escapeHtml(target.scheduleName);
  const recipient = escapeHtml(target.recipient);
  const body =
    state === 'confirm'
      ? `<h1>Unsubscribe?</h1>
<p>Stop sending the report <strong>${schedule}</strong> to <strong>${recipient}</strong>.</p>
<form method="post" action=""><button type="submit">Unsubscribe</button></form>`
      : `<h1>You are unsubscribed</h1>
<p><strong>${recipient}</strong> will no longer receive the report <strong>${schedule}</strong>.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribe</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 3rem auto">${body}</body></html>
`;
}
