// Policy pack entry: `pulumi preview --policy-pack infra/policy`. Plain JavaScript on purpose:
// Pulumi always loads policy packs through its bundled ts-node (pulumi/pulumi#4830), which
// rejects this repo's `.ts` import specifiers; a .js entry is left to Node, which loads the
// TypeScript rules below with its own type stripping (Node >= 22.18 / 23.6).
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies.ts";

new PolicyPack("beacon", { policies: POLICIES });
