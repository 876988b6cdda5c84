// Dates and sizes for the message list, in the chosen language's conventions.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(tag, options);
    formatters.set(key, format);
  }
  return format;
}

/** Today: the time; this year: day and month; older: the full date. Local time. */
export function formatListDate(time: number | null, tag: string, now: number = Date.now()): string {
  if (time === null) return '';
  const date = new Date(time);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) {
    return formatTime(time, tag);
  }
  if (date.getFullYear() === today.getFullYear()) {
    return formatter(tag, { month: 'short', day: 'numeric' }).format(date);
  }
  return formatter(tag, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** Hours and minutes as the locale writes them ("5:35 PM", "17:35"), never seconds. */
export function formatTime(time: number, tag: string): string {
  return formatter(tag, { timeStyle: 'short' }).format(new Date(time));
}

/** The full local date and time, for a tooltip. */
export function formatFullDate(time: number | null, tag: string): string {
  if (time === null) return '';
  return formatter(tag, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(time));
}
