# Fits glmnet on the problems generate.py wrote to a folder and writes each fit's path as text (17 significant
# digits) for generate.py to collect. Run through generate.py: /usr/bin/python3 generate.py
# Usage: Rscript generate.R FOLDER
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
fmt <- function(v) paste(sprintf("%.17g", v), collapse = " ")
jobs <- read.table(file.path(dir, "jobs.txt"), header = TRUE, stringsAsFactors = FALSE)
for (k in seq_len(nrow(jobs))) {
  job <- jobs[k, ]
  x <- as.matrix(read.table(file.path(dir, paste0(job$data, ".x.txt"))))
  y <- scan(file.path(dir, paste0(job$data, ".y.txt")), quiet = TRUE)
  w <- scan(file.path(dir, paste0(job$data, ".w.txt")), quiet = TRUE)
  vp <- scan(file.path(dir, paste0(job$data, ".vp.txt")), quiet = TRUE)
  family <- job$family
  args <- list(x = x, y = y, family = family, alpha = job$alpha, nlambda = job$nlambda,
               standardize = as.logical(job$standardize), intercept = as.logical(job$intercept),
               weights = w, penalty.factor = vp, thresh = job$thresh, maxit = 1e8)
  if (job$ratio > 0) args$lambda.min.ratio <- job$ratio
  fit <- do.call(glmnet, args)
  beta <- as.matrix(fit$beta)
  out <- file.path(dir, paste0(job$name, ".glmnet.txt"))
  lines <- c(fmt(fit$lambda), fmt(fit$a0), fmt(fit$dev.ratio))
  for (m in seq_along(fit$lambda)) lines <- c(lines, fmt(beta[, m]))
  writeLines(lines, out)
  if (job$cv > 0) {
    foldid <- ((seq_len(nrow(x)) - 1) %% job$cv) + 1
    for (measure in strsplit(job$measures, ",")[[1]]) {
      cvargs <- args
      cvargs$lambda <- fit$lambda
      cvargs$nlambda <- NULL
      cvargs$lambda.min.ratio <- NULL
      cvargs$foldid <- foldid
      cvargs$type.measure <- measure
      cv <- do.call(cv.glmnet, cvargs)
      writeLines(c(fmt(cv$lambda), fmt(cv$cvm), fmt(cv$cvsd), fmt(cv$lambda.min), fmt(cv$lambda.1se)),
                 file.path(dir, paste0(job$name, ".cv.", measure, ".txt")))
    }
  }
}
