// Writes the golden files of the tokenizer tests with Hugging Face `tokenizers` (npm package `tokenizers`, the
// Rust library's own Node binding), configured as the tokenizer.json of sentence-transformers/all-MiniLM-L6-v2:
// BertNormalizer (clean text, CJK padding, strip accents, lowercase), BertPreTokenizer, WordPiece ([UNK], "##",
// 100 characters per word), [CLS] $A [SEP], special tokens matched in the raw text.
//   hf-cases.jsonl      {"text", "max", "ids"} for the texts of cases.json, untruncated (max 0) and truncated
//   hf-spam-digests.tsv split, index, piece count, SHA-256 (first 16 hex digits) of the untruncated piece ids
//                       (no [CLS]/[SEP]) joined by single spaces, for every message of data/spam-assassin
//   hf-spam-test-128.tsv.gz  index, ids at max length 128 ([CLS]/[SEP] included), for the first 300 test messages
// Usage: NODE_PATH=/path/to/node_modules node hf-encode.js VOCAB.txt   (after `npm install tokenizers@0.23.2`)
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');
const { Tokenizer } = require('tokenizers');

const here = __dirname;
const data = path.join(here, '..', '..', '..', 'data', 'spam-assassin');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const vocab = {};
lines.forEach((t, i) => { vocab[t.replace(/\r$/, '')] = i; });
const special = (content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const config = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
    special_tokens: {
      '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
      '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
    },
  },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
};

const full = Tokenizer.fromString(JSON.stringify(config));
const truncating = {};
const withMax = (max) => {
  if (!truncating[max]) {
    truncating[max] = Tokenizer.fromString(JSON.stringify(config));
    truncating[max].setTruncation(max);
  }
  return truncating[max];
};
const readJsonl = (file) => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
const digest = (ids) => crypto.createHash('sha256').update(ids.join(' ')).digest('hex').slice(0, 16);

(async () => {
  const cases = JSON.parse(fs.readFileSync(path.join(here, 'cases.json'), 'utf8'));
  const out = [];
  for (const { text, max } of cases) {
    for (const m of [0, ...(max ? [max] : [])]) {
      const enc = await (m ? withMax(m) : full).encode(text);
      out.push(JSON.stringify({ text, max: m, ids: enc.getIds() }));
    }
  }
  fs.writeFileSync(path.join(here, 'hf-cases.jsonl'), out.join('\n') + '\n');

  const digests = [];
  const test128 = [];
  for (const split of ['train', 'test']) {
    const rows = readJsonl(path.join(data, `${split}.jsonl.gz`));
    for (let i = 0; i < rows.length; i++) {
      const ids = (await full.encode(rows[i].text, null, { addSpecialTokens: false })).getIds();
      digests.push(`${split}\t${i}\t${ids.length}\t${digest(ids)}`);
      if (split === 'test' && i < 300) {
        test128.push(`${i}\t${(await withMax(128).encode(rows[i].text)).getIds().join(' ')}`);
      }
    }
  }
  fs.writeFileSync(path.join(here, 'hf-spam-digests.tsv'), digests.join('\n') + '\n');
  fs.writeFileSync(path.join(here, 'hf-spam-test-128.tsv.gz'), zlib.gzipSync(test128.join('\n') + '\n', { level: 9 }));
})();
