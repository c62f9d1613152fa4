// A tiny SMTP server for the browser tests: the production build sends real email to it through
// nodemailer (SMTP_URL), and the tests read the messages over HTTP.
import { createServer } from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT ?? 2525);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT ?? 2526);
const messages = [];

new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, _session, done) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({ to: mail.to?.text ?? "", subject: mail.subject ?? "", text: mail.text ?? "", date: new Date().toISOString() });
        done();
      })
      .catch(done);
  },
}).listen(smtpPort, "127.0.0.1");

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const to = url.searchParams.get("to");
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(messages.filter((m) => !to || m.to.toLowerCase().includes(to.toLowerCase()))));
}).listen(httpPort, "127.0.0.1", () => console.log(`mail sink: smtp ${smtpPort}, http ${httpPort}`));
