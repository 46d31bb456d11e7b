/**
 * The server's messages as a list announced when it appears. The alert wraps the list:
 * role="alert" on the <ul> itself would unmake it a list (its items would no longer be counted).
 */
export function Errors({ messages, id }: { messages: string[]; id?: string }) {
  if (!messages.length) return null;
  return (
    <div id={id} role="alert">
      <ul class="error">
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}
