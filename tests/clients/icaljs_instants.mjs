// Reads an .ics on stdin with ical.js (Thunderbird's parser) and prints, as JSON, each timed
// event's UID with its start and end as Unix seconds: the instants Thunderbird would show.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const events = {};
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (event.startDate.isDate) continue;
  events[event.uid] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
}
process.stdout.write(JSON.stringify(events));
