// A real S3 API server (s3rver) behind a front as strict as S3 about signatures, with faults on demand:
//   node s3-strict-front.js --port P --directory D --bucket B
// s3rver stores objects in D but does not check SigV4 signatures; the front does, with AWS's signer for JavaScript,
// refusing what S3 would (strict-sigv4.js): a wrong signature (403 SignatureDoesNotMatch), a payload that is not the one
// signed (400 XAmzContentSHA256Mismatch), an unknown access key (403 InvalidAccessKeyId), an expired session token (400
// ExpiredToken). Credentials: S3RVER / S3RVER, and the emulator's ASIA… keys.
// Control (not S3): POST /__faults {"status": 503, "count": 3} answers the next 3 requests with 503 (count -1: all,
// 0: none); GET /__stats gives {"requests", "faulted", "refused", "stored", "signedBy": {objectKey: accessKeyId},
// "refusals": [code…]}.
"use strict";
const http = require("http");
const S3rver = require("s3rver");
const { verify } = require("./strict-sigv4");

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const secrets = { S3RVER: "S3RVER" };
const stats = { requests: 0, faulted: 0, refused: 0, stored: 0, signedBy: {}, refusals: [] };
let fault = { status: 0, count: 0 };

function s3Error(res, status, code, message) {
  if (status !== fault.status) { stats.refused++; stats.refusals.push(code); }
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

async function main() {
  const upstreamPort = Number(args["upstream-port"] || 0);
  const s3rver = new S3rver({ address: "127.0.0.1", port: upstreamPort, silent: true, directory: args.directory, configureBuckets: [{ name: args.bucket }], vhostBuckets: false });
  const { port: s3Port } = await s3rver.run();
  const front = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", c => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (req.url === "/__faults") { fault = JSON.parse(body.toString()); res.end("{}"); return; }
      if (req.url === "/__stats") { res.setHeader("content-type", "application/json"); res.end(JSON.stringify(stats)); return; }
      stats.requests++;
      if (fault.count !== 0) {
        if (fault.count > 0) fault.count--;
        stats.faulted++;
        s3Error(res, fault.status, fault.status === 403 ? "AccessDenied" : "SlowDown", "fault injected by the test");
        return;
      }
      const refusal = await verify(req, body, { service: "s3", keys: secrets, isS3: true }).catch(e => [500, "InternalError", String(e)]);
      if (refusal) { s3Error(res, ...refusal); return; }
      // Checked here, the request goes on to s3rver unsigned: s3rver knows its own key only, and takes anonymous requests.
      const headers = { ...req.headers };
      delete headers["authorization"];
      const upstream = http.request({ host: "127.0.0.1", port: s3Port, method: req.method, path: req.url, headers }, answer => {
        if (req.method === "PUT" && answer.statusCode === 200) {
          stats.stored++;
          const signer = /Credential=([^/]+)\//.exec(req.headers["authorization"] || "");
          stats.signedBy[decodeURIComponent(new URL(req.url, "http://front").pathname.split("/").slice(2).join("/"))] = signer ? signer[1] : "";
        }
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", e => s3Error(res, 502, "BadGateway", String(e)));
      upstream.end(body);
    });
  });
  front.listen(Number(args.port), "127.0.0.1", () => console.log(`S3 front listening on 127.0.0.1:${front.address().port}`));
}
main().catch(e => { console.error(e); process.exit(1); });
