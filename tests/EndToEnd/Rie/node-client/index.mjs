// The real-client suite's handler: what a Node.js function on Lambda prints, through each way it prints. Every line
// names its event (`event N`), so the test can tell whose line each entry holds.
import { Logger } from "@aws-lambda-powertools/logger";

export const handler = async (event, context) => {
  const n = event.n;
  // One logger per invocation: invocations run at once on a Managed Instance, and a shared one's context would be theirs.
  const logger = new Logger({ serviceName: "orders" });
  logger.addContext(context);
  console.log(`console.log line, event ${n}`);
  console.warn(`console.warn line, event ${n}`);
  logger.info(`powertools info, event ${n}`, { step: "loaded" });
  logger.error(`powertools error, event ${n}`, new TypeError(`powertools boom, event ${n}`));
  // A stack printed raw: once in one write, once line by line (as a logger without a runtime would).
  const stack = new Error(`raw stack, event ${n}`).stack;
  process.stderr.write(`${stack}\n`);
  for (const line of new Error(`raw lines, event ${n}`).stack.split("\n")) {
    process.stderr.write(`${line}\n`);
  }
  if (String(n).endsWith("-throws")) {
    throw new RangeError(`thrown, event ${n}`);
  }
  return { ok: true, n };
};
