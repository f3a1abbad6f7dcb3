import type { Codec, Token } from './codec.ts';

/** Token id: index into a Vocabulary. */
export type TokenId = number;

/** The serialised form stored in a model's meta.json and in dataset caches. */
export interface VocabularyJson {
  codec: string;
  codecVersion: number;
  tokens: Token[];
}

/**
 * Maps tokens to dense ids and back. Built once from a codec (fixed vocabulary) or
 * from the tokens of a training set; stored with every model.
 */
export class Vocabulary {
  readonly tokens: readonly Token[];
  private readonly ids: Map<Token, TokenId>;

  constructor(
    readonly codec: string,
    readonly codecVersion: number,
    tokens: readonly Token[],
  ) {
    this.tokens = [...tokens];
    this.ids = new Map(this.tokens.map((token, id) => [token, id]));
    if (this.ids.size !== this.tokens.length) throw new Error('Vocabulary has duplicate tokens');
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: Token): boolean {
    return this.ids.has(token);
  }

  idOf(token: Token): TokenId | undefined {
    return this.ids.get(token);
  }

  /** Ids of `tokens`; throws naming the first token outside the vocabulary. */
  encode(tokens: readonly Token[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.ids.get(tokens[i]);
      if (id === undefined) throw new Error(`Token "${tokens[i]}" is not in the ${this.codec} vocabulary`);
      out[i] = id;
    }
    return out;
  }

  decode(ids: ArrayLike<TokenId>): Token[] {
    const out: Token[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const token = this.tokens[ids[i]];
      if (token === undefined)
        throw new Error(`Token id ${ids[i]} is outside the vocabulary (size ${this.size})`);
      out[i] = token;
    }
    return out;
  }

  toJSON(): VocabularyJson {
    return { codec: this.codec, codecVersion: this.codecVersion, tokens: [...this.tokens] };
  }

  static fromJSON(json: VocabularyJson): Vocabulary {
    return new Vocabulary(json.codec, json.codecVersion, json.tokens);
  }

  /**
   * The vocabulary for `codec`: its fixed one, or its special tokens followed by every
   * token seen in `pieces`, in first-seen order after sorting (so it is deterministic).
   */
  static forCodec(codec: Codec, pieces: Iterable<readonly Token[]> = []): Vocabulary {
    if (codec.fixedVocabulary) return new Vocabulary(codec.name, codec.version, codec.fixedVocabulary);
    const seen = new Set<Token>();
    for (const piece of pieces) for (const token of piece) seen.add(token);
    for (const special of codec.specialTokens) seen.delete(special);
    const sorted = [...seen].sort();
    return new Vocabulary(codec.name, codec.version, [...codec.specialTokens, ...sorted]);
  }
}
