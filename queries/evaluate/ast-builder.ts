// What the LogQL and TraceQL AST builders share: walking a lezer tree (the official grammars'),
// and recording, rather than throwing at the first, every construct not evaluated and every
// reason the query is invalid, so a lint can name them all.
import type { SyntaxNode, Tree } from "@lezer/common";

/** Thrown to abandon a subtree whose problem is already recorded. */
export class Abandon extends Error {}

/** A node's children in order. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export class AstBuilder {
  /** Constructs the evaluator does not run, one description each. */
  readonly unsupported: string[] = [];
  /** Why the query is invalid (the server would answer 400). */
  readonly errors: string[] = [];
  protected readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }

  notEvaluated(description: string): Abandon {
    if (!this.unsupported.includes(description)) this.unsupported.push(description);
    return new Abandon(description);
  }

  invalid(why: string): Abandon {
    this.errors.push(why);
    return new Abandon(why);
  }

  /** Runs `f`; an abandoned subtree yields undefined so its siblings are still examined. */
  attempt<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (err) {
      if (err instanceof Abandon) return undefined;
      throw err;
    }
  }

  child(n: SyntaxNode, name: string): SyntaxNode {
    const c = n.getChild(name);
    if (!c) throw this.invalid(`expected ${name} in \`${this.text(n)}\``);
    return c;
  }

  /** Records the first syntax error of the tree, with its offset and surroundings. */
  syntaxErrors(tree: Tree): void {
    tree.iterate({
      enter: (ref) => {
        if (ref.type.isError && this.errors.length === 0) {
          this.errors.push(`syntax error at offset ${ref.from}: …${this.src.slice(Math.max(0, ref.from - 20), ref.from + 20)}…`);
        }
      },
    });
  }

  /**
   * Builds the AST from the top node. A tree repaired around syntax errors may lack nodes the
   * builder expects; the syntax error is already recorded then. Without one, a throw is a bug.
   */
  build<T>(f: () => T): T | undefined {
    try {
      const result = this.attempt(f);
      return this.errors.length === 0 && this.unsupported.length === 0 ? result : undefined;
    } catch (err) {
      if (this.errors.length === 0) throw err;
      return undefined;
    }
  }
}
