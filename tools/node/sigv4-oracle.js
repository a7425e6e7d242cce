// AWS's SigV4 signer for JavaScript (@aws-sdk/signature-v4), as the oracle of the extension's own signer.
//   node sigv4-oracle.js sign     < requests.json   -> the Authorization header AWS's signer computes for each request
//   node sigv4-oracle.js vectors                    -> AWS's published SigV4 test suite, as that package carries it
// A request: { method, hostname, path, query: {name: value}, headers: {name: value}, bodyBase64, accessKeyId,
// secretAccessKey, sessionToken?, region, service, date (ISO 8601), isS3 }. For S3 the path is signed as sent and the
// payload's SHA-256 is signed as x-amz-content-sha256, as the S3 client configures the signer.
"use strict";
const { SignatureV4 } = require("@aws-sdk/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");

async function sign(requests) {
  const out = [];
  for (const r of requests) {
    const signer = new SignatureV4({
      credentials: { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, sessionToken: r.sessionToken || undefined },
      region: r.region,
      service: r.service,
      sha256: Sha256,
      uriEscapePath: !r.isS3,
      applyChecksum: !!r.isS3,
    });
    const signed = await signer.signRequest({
      method: r.method,
      protocol: "https:",
      hostname: r.hostname,
      path: r.path,
      query: r.query,
      headers: r.headers,
      body: Buffer.from(r.bodyBase64 || "", "base64"),
    }, { signingDate: new Date(r.date) });
    out.push(signed.headers["authorization"]);
  }
  return out;
}

async function main() {
  if (process.argv[2] === "vectors") {
    const suite = require("@smithy/signature-v4/dist-cjs/suite.fixture.js");
    process.stdout.write(JSON.stringify({
      region: suite.region, service: suite.service, credentials: suite.credentials,
      date: suite.signingDate.toISOString(), requests: suite.requests,
    }));
    return;
  }
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(JSON.stringify(await sign(JSON.parse(input))));
}
main().catch(e => { console.error(e); process.exit(1); });
