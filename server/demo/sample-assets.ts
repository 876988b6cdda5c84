// Binary pieces of the sample mailbox: a PNG icon, GBK-encoded Chinese text
// (made once with iconv, kept as base64) and a one-page PDF invoice built here.

import { Buffer } from 'node:buffer';

/** A 96×96 indexed PNG: a white envelope on a blue rounded square, 388 bytes. */
export const ICON_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAABgCAMAAADVRocKAAAAD1BMVEX///8lY+v///+/2/75cxYT' +
    'fNl9AAAAAXRSTlMAQObYZgAAASNJREFUeNrt2ssSgzAIBVDR/P83d6yvqARDyNXYwqKLkHKaaaUz' +
    'Ytd5NBpUEMja+QpVCHR9QaBqga7PC0RYgQgsoAEirEAEFl4PEIEFBx4HalQLkmCvPgUKCFtAgBBS' +
    'wkuAEJKCA1z9nfDkCYaCaBDos2MDSHUCVX0tML0tt/z4qupF39J5wrxrBBTddKqcIyx7hkH1fzAX' +
    'vhbWHWXAFRFlSwFRiHPFgCDsMuVAn7gkDssGgD/Ecc0EMMJpxQYwn/e8wwQcfzFc3ghEVdkv3Q5E' +
    'TYHPmoG1bSaSdmBp/IlUDUC8rKsAvZCoAwiN1QEHHGgP0EdbQOW7IQ448ALAb2v+A+ADikeGOD83' +
    'R8OPGvHDUvy4Fz+wvmHkjn9o4I7HHjzujg+VHydfw/seIAAAAABJRU5ErkJggg==',
  'base64',
);

/** "第三季度销售会议纪要" in GBK, base64 — printf '…' | iconv -f UTF-8 -t GBK | base64 */
export const GBK_SUBJECT_BASE64 = 'tdrI/by+tsjP+srbu+HS6bzN0qo=';

/** "王芳" in GBK, base64. */
export const GBK_SENDER_BASE64 = 'zfW3vA==';

/**
 * The body below in GBK with CRLF line ends, made with
 * printf '…\r\n…' | iconv -f UTF-8 -t GBK | base64 -w 76:
 *
 *   各位同事：
 *
 *   本周三销售会议的纪要如下：
 *
 *   一、第三季度华东区销售额同比增长百分之十二。
 *   二、新产品将于下月中旬在上海发布，请市场部准备宣传材料。
 *   三、请各部门于下周五之前提交第四季度预算。
 *
 *   如有疑问，请随时与我联系。
 *
 *   王芳
 *   市场部
 */
export const GBK_BODY = Buffer.from(
  'uPfOu82sysKjug0KDQqxvtbcyP3P+srbu+HS6bXEvM3Sqsjnz8Kjug0KDQrSu6GitdrI/by+tsi7' +
    'qrarx/jP+srbtu7NrLHI1PazpLDZt9bWrsqutv6how0Ktv6hotDCsvrGt72r09rPwtTC1tDRrtTa' +
    'yc+6o7eisryjrMfrytCzobK/17yxuND7tKuyxMHPoaMNCsj9oaLH67j3sr/DxdPaz8LW3M7l1q7H' +
    'sMzhvbu12svEvL62yNSky+Ohow0KDQrI59PQ0snOyqOsx+vL5sqx0+vO0sGqz7Whow0KDQrN9be8' +
    'DQrK0LOhsr8NCg==',
  'base64',
);

/** One invoice line: description and amount in euros. */
export interface InvoiceLine {
  description: string;
  amount: number;
}

function pdfText(text: string): string {
  return `(${text.replace(/[\\()]/g, '\\$&')})`;
}

/**
 * A valid one-page PDF 1.4 invoice (Helvetica, no embedded fonts), with the
 * cross-reference table computed from the real object offsets.
 */
export function invoicePdf(
  number: string,
  issued: string,
  lines: readonly InvoiceLine[],
): Uint8Array {
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const euros = (amount: number): string => `EUR ${amount.toFixed(2)}`;
  const draw: string[] = [
    '0.15 0.39 0.92 rg 0 762 595 80 re f',
    'BT 1 1 1 rg /F2 24 Tf 50 792 Td (Example Cloud) Tj ET',
    'BT 1 1 1 rg /F1 11 Tf 50 775 Td (cloud.example.com - billing@cloud.example.com) Tj ET',
    `BT 0.1 0.1 0.1 rg /F2 16 Tf 50 715 Td ${pdfText(`Invoice ${number}`)} Tj ET`,
    `BT 0.3 0.3 0.3 rg /F1 11 Tf 50 697 Td ${pdfText(`Issued ${issued} - Customer: Demo User, demo@example.org`)} Tj ET`,
    '0.8 0.8 0.8 RG 50 670 m 545 670 l S',
  ];
  let y = 650;
  for (const line of lines) {
    draw.push(`BT 0.1 0.1 0.1 rg /F1 11 Tf 50 ${y} Td ${pdfText(line.description)} Tj ET`);
    draw.push(`BT /F1 11 Tf 460 ${y} Td ${pdfText(euros(line.amount))} Tj ET`);
    y -= 20;
  }
  draw.push(`0.8 0.8 0.8 RG 50 ${y + 8} m 545 ${y + 8} l S`);
  draw.push(`BT 0.1 0.1 0.1 rg /F2 12 Tf 50 ${y - 12} Td (Total due) Tj ET`);
  draw.push(`BT /F2 12 Tf 460 ${y - 12} Td ${pdfText(euros(total))} Tj ET`);
  draw.push(
    `BT 0.4 0.4 0.4 rg /F1 9 Tf 50 80 Td (This is a sample document from the webmail demo. Nothing is owed.) Tj ET`,
  );
  const stream = draw.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ' +
      '/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    `<< /Title ${pdfText(`Invoice ${number}`)} /Producer (pop3-webmail demo) >>`,
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  // PDF 1.4 §3.4.3: each xref entry is exactly 20 bytes, "nnnnnnnnnn ggggg n" + SP LF.
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out +=
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
