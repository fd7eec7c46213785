# byoc-iam in a container: `docker build -t byoc-iam .` then
#   docker run --rm -v ~/.aws:/home/byoc/.aws:ro -e AWS_PROFILE byoc-iam plan --account-id 123456789012
# Build with the sandbox (a local AWS for `byoc-iam demo`): docker build --build-arg EXTRAS=sandbox -t byoc-iam .
FROM python:3.11-slim
ARG EXTRAS=""
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}" \
 && useradd --create-home --uid 10001 byoc \
 && rm -rf /src
USER byoc
WORKDIR /home/byoc
ENTRYPOINT ["byoc-iam"]
CMD ["--help"]
