// A tiny SMTP server for the browser tests: the production build sends real email to it through
// nodemailer (SMTP_URL), and the tests read the messages over HTTP.
import { createServer } from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT ?? 2525);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT ?? 2526);
const messages = [];
/** Recipients whose mail the server refuses for now ("451 try again later"): a mail outage for one test. */
const refusing = new Set();
const refusals = new Map(); // recipient → how many deliveries were refused

new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(address, _session, done) {
    const to = address.address.toLowerCase();
    if (!refusing.has(to)) return done();
    refusals.set(to, (refusals.get(to) ?? 0) + 1);
    const error = Object.assign(new Error("Mailbox unavailable, try again later"), { responseCode: 451 });
    done(error);
  },
  onData(stream, _session, done) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: mail.to?.text ?? "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          date: new Date().toISOString(),
        });
        done();
      })
      .catch(done);
  },
}).listen(smtpPort, "127.0.0.1");

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const to = url.searchParams.get("to");
  res.setHeader("content-type", "application/json");
  if (req.method === "POST" && to && (url.pathname === "/refuse" || url.pathname === "/accept")) {
    if (url.pathname === "/refuse") refusing.add(to.toLowerCase());
    else refusing.delete(to.toLowerCase());
    return res.end(JSON.stringify({ refusing: [...refusing] }));
  }
  if (url.pathname === "/refusals")
    return res.end(JSON.stringify({ refusals: refusals.get(to?.toLowerCase() ?? "") ?? 0 }));
  res.end(JSON.stringify(messages.filter((m) => !to || m.to.toLowerCase().includes(to.toLowerCase()))));
}).listen(httpPort, "127.0.0.1", () => console.log(`mail sink: smtp ${smtpPort}, http ${httpPort}`));
