# Times glmnet's gaussian and binomial paths on the problem bench/peer/path_data.py wrote (one thread: glmnet is
# single-threaded Fortran). Prints one line per fit: "glmnet FAMILY seconds=S lambdas=L" (best of REPEATS).
# Usage: Rscript bench/peer/path_glmnet.R [REPEATS] [THRESH]
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
repeats <- if (length(args) >= 1) as.integer(args[1]) else 3
thresh <- if (length(args) >= 2) as.numeric(args[2]) else 1e-7
dir <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "data")
meta <- scan(file.path(dir, "meta.txt"), quiet = TRUE)
n <- meta[1]; p <- meta[2]
x <- matrix(readBin(file.path(dir, "x.f64"), "double", n * p, size = 8, endian = "little"), n, p)
for (family in c("gaussian", "binomial")) {
  y <- readBin(file.path(dir, paste0("y_", family, ".f64")), "double", n, size = 8, endian = "little")
  best <- Inf
  for (r in seq_len(repeats)) {
    t <- system.time(fit <- glmnet(x, y, family = family, nlambda = 100, thresh = thresh))[["elapsed"]]
    best <- min(best, t)
  }
  # The same lambdas again, without the early stop (glmnet.control fdev = 0): all 100 lambdas of the default grid.
  lam <- exp(seq(log(fit$lambda[1]), log(fit$lambda[1] * 1e-4), length.out = 100))
  glmnet.control(fdev = 0, devmax = 1)
  best100 <- Inf
  for (r in seq_len(repeats)) {
    t <- system.time(fit100 <- glmnet(x, y, family = family, lambda = lam, thresh = thresh))[["elapsed"]]
    best100 <- min(best100, t)
  }
  glmnet.control(factory = TRUE)
  cat(sprintf("glmnet %s seconds=%.4f lambdas=%d lambda_max=%.17g full100_seconds=%.4f full100_lambdas=%d\n",
              family, best, length(fit$lambda), fit$lambda[1], best100, length(fit100$lambda)))
}
