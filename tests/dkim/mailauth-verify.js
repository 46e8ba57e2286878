// mailauth-verify.js - verify the DKIM signatures of many messages in one run with npm's mailauth 4.x
// (the library behind `mailauth report`), offline: DNS answers come from a --dns-cache style file.
//
//   node mailauth-verify.js MAILAUTH_DIR DNS_CACHE.json MSG...   ->  per message: "<file> <d> <s> <a> <result>"
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [dir, cacheFile, ...files] = process.argv.slice(2);
const { dkimVerify } = require(path.join(dir, 'node_modules', 'mailauth'));
const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf-8'));
const resolver = async (name, rr) => {
    const match = cache?.[name]?.[rr];
    if (!match) {
        const err = new Error('not in the DNS cache');
        err.code = 'ENOTFOUND';
        throw err;
    }
    return match;
};

(async () => {
    for (const file of files) {
        const res = await dkimVerify(fs.readFileSync(file), { resolver });
        if (!res.results.length) {
            console.log(`${path.basename(file)} none`);
        }
        for (const r of res.results) {
            console.log(`${path.basename(file)} ${r.signingDomain} ${r.selector} ${r.algo} ${r.status.result}`);
        }
    }
})().catch(e => {
    console.error(e);
    process.exit(1);
});
