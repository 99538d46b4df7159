/** The pure billing core: dates, periods, proration, the invoice line generator, number series. */
export * from './dates';
export * from './periods';
export * from './proration';
export * from './generator';
export * from './numbering';
