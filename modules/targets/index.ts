export * from "./target";
export * from "./log-group";
export * from "./log-delivery-policy";
export * from "./sqs-queue";
export * from "./lambda-function";
export * from "./kinesis-stream";
export * from "./sns-topic";
export * from "./firehose";
